-- Epixel users: the API lists none; a lead names its owner and its assignee by user name, one
-- row per name (the name is the id; no e-mail, no admin flag).
{%- if crm_source_present('epixel', ['leads']) %}
with names as (
    select owner as owner_id from {{ source('epixel', 'leads') }}
    union
    select assignee from {{ source('epixel', 'leads') }}
)

select
    owner_id,
    owner_id as owner_name,
    cast(null as {{ dbt.type_string() }}) as owner_email,
    cast(null as boolean) as is_admin
from names
where owner_id is not null and trim(owner_id) <> ''
{%- else %}
{{ crm_absent_source() }}
{%- endif %}
