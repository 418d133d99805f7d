from django.urls import path

from . import keys

app_name = "api-keys"

urlpatterns = [
    path("", keys.keys, name="list"),
    path("<int:pk>/revoke/", keys.revoke, name="revoke"),
]
