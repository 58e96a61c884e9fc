"""Build the leaflets: `python build.py --help`."""
from leaflets.cli import main

raise SystemExit(main())
