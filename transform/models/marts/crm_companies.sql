-- Companies of every source present, with their owner's name. Custom fields stay in each
-- source's staging model (stg_<source>__companies, cf_* columns), joined on company_id.
with companies as (
{{ crm_union('companies') }}
)

select
    companies.source,
    companies.company_key,
    companies.company_id,
    companies.company_name,
    companies.website,
    companies.phone,
    companies.owner_key,
    owners.owner_name,
    companies.created_at,
    companies.updated_at
from companies
left join {{ ref('crm_owners') }} as owners on owners.owner_key = companies.owner_key
