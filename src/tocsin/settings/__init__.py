"""Settings per environment: development (default), test and production.

Every value an operator may change is read from the environment in base.py.
"""
