-- Contacts of every source present, with their owner's name and email. Custom fields stay in
-- each source's staging model (stg_<source>__contacts, cf_* columns), joined on contact_id.
with contacts as (
{{ crm_union('contacts') }}
)

select
    contacts.source,
    contacts.contact_key,
    contacts.contact_id,
    contacts.first_name,
    contacts.last_name,
    contacts.full_name,
    contacts.email,
    contacts.phone,
    contacts.company_key,
    contacts.owner_key,
    owners.owner_name,
    owners.owner_email,
    contacts.score,
    contacts.created_at,
    contacts.updated_at
from contacts
left join {{ ref('crm_owners') }} as owners on owners.owner_key = contacts.owner_key
