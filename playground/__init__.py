"""The CORS playground: a page on one loopback origin calling an API on another.

Run ``python -m playground`` and open http://127.0.0.1:8000/ (see :mod:`playground.serve`).
"""
