-- Agile CRM users (owners). The API lists no users: they are the owner objects embedded in
-- contacts, companies, deals, events and documents (owner) and tasks (taskOwner), one row per id,
-- deleted records included (their owner is still a user).
{%- set embedded = {'contacts': 'owner', 'companies': 'owner', 'deals': 'owner', 'events': 'owner', 'documents': 'owner', 'tasks': '"taskOwner"'} %}
{%- set parts = [] %}
{%- for table, column in embedded.items() %}
  {%- if crm_source_present('agilecrm', [table]) %}{% do parts.append((table, column)) %}{% endif %}
{%- endfor %}
{%- if parts %}
with embedded as (
{%- for table, column in parts %}
    {%- if not loop.first %}
    union all
    {%- endif %}
    select
        {{ json_text(column, 'id') }} as owner_id,
        {{ json_text(column, 'name') }} as owner_name,
        {{ json_text(column, 'email') }} as owner_email,
        {{ json_text(column, 'is_admin') }} as is_admin
    from {{ source('agilecrm', table) }}
    where {{ column }} is not null
{%- endfor %}
)

select
    owner_id,
    max(owner_name) as owner_name,
    max(owner_email) as owner_email,
    max(case when is_admin = 'true' then 1 else 0 end) = 1 as is_admin
from embedded
where owner_id is not null
group by owner_id
{%- else %}
{{ crm_absent_source() }}
{%- endif %}
