"""Singer tap for Whautomate (a WhatsApp CRM) contacts, on the shared core ``crm_core``."""
