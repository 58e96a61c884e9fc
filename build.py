"""Build the leaflets: `python build.py --help`."""
from leaflets.cli import main

if __name__ == "__main__":  # worker processes that start by importing this file must not build
    raise SystemExit(main())
