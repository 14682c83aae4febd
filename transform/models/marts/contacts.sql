-- Contacts with their owner's name and email, their SYSTEM properties and typed custom fields.
{%- set custom = columns_starting_with(ref('stg_contacts'), ['cf_']) %}
{%- set system_properties = columns_starting_with(ref('stg_contacts'), ['phone', 'role', 'website', 'country']) %}
select
    contacts.contact_id,
    contacts.full_name,
    contacts.first_name,
    contacts.last_name,
    contacts.email,
    contacts.subscription_status,
    contacts.score,
    contacts.owner_id,
    owners.owner_name,
    owners.owner_email,
    contacts.created_at,
    contacts.updated_at
    {{- select_columns(system_properties, 'contacts') }}
    {{- select_columns(custom, 'contacts') }}
from {{ ref('stg_contacts') }} as contacts
left join {{ ref('stg_owners') }} as owners on owners.owner_id = contacts.owner_id
