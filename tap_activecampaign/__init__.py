"""tap-activecampaign: a Singer tap for the ActiveCampaign API v3, on the project's ``crm_core``."""
