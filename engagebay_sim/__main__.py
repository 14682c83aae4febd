"""``python -m engagebay_sim``: run the simulator (see ``engagebay_sim.cli``)."""

from engagebay_sim.cli import main

raise SystemExit(main())
