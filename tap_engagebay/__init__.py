"""Singer tap for the EngageBay CRM REST API."""
