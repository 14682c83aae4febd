"""``python -m epixel_sim``."""

from epixel_sim.cli import main

raise SystemExit(main())
