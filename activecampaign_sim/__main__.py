"""``python -m activecampaign_sim``."""

from activecampaign_sim.cli import main

raise SystemExit(main())
