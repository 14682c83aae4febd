-- Contacts ("subscribers"), with their SYSTEM property columns and typed custom fields (cf_*).
{%- set raw = source('engagebay', 'contacts') %}
{%- set system_properties = ['phone', 'role', 'website', 'country'] %}
{%- set present = columns_starting_with(raw, system_properties) | select('in', system_properties) | list %}
select
    id as contact_id,
    owner_id,
    fullname as full_name,
    firstname as first_name,
    lastname as last_name,
    email,
    status as subscription_status,
    score,
    {{ utc('created_time') }} as created_at,
    {{ utc('updated_time') }} as updated_at
    {{- select_columns(present) }}
    {{- select_columns(columns_starting_with(raw, ['cf_'])) }}
from {{ raw }}
where {{ not_deleted() }}
