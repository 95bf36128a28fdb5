from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("api/items", views.items),
    path("api/boom", views.boom),
    path("health", views.health),
]
