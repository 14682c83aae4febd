"""tap-agilecrm: a Singer tap for the Agile CRM REST API, on the project's ``crm_core``."""
