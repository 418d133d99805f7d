"""Tocsin: a self-hosted action center for advocacy campaigns."""
