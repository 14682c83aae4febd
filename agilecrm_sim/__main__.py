"""``python -m agilecrm_sim``."""

from agilecrm_sim.cli import main

raise SystemExit(main())
