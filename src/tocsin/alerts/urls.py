from django.urls import path

from . import unsubscribe

app_name = "alerts"
urlpatterns = [
    path("unsubscribe/<str:token>/", unsubscribe.unsubscribe, name="unsubscribe"),
]
