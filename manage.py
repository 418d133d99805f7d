#!/usr/bin/env python
"""Django's usual entry point; `tocsin` (installed with the package) does the same."""

from tocsin.__main__ import main

if __name__ == "__main__":
    main()
