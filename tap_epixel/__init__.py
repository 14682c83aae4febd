"""Singer tap for the Leads & CRM API of Epixel MLM software (tap-epixel)."""
