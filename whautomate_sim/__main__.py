"""``python -m whautomate_sim``."""

from whautomate_sim.cli import main

raise SystemExit(main())
