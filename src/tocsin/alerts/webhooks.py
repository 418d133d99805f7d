"""The email provider's tracking events (django-anymail's `tracking` signal)."""
