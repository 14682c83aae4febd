-- Companies, with their typed custom fields (cf_*).
select
    id as company_id,
    owner_id,
    name as company_name,
    url,
    score,
    {{ utc('created_time') }} as created_at,
    {{ utc('updated_time') }} as updated_at
    {{- select_columns(columns_starting_with(source('engagebay', 'companies'), ['cf_'])) }}
from {{ source('engagebay', 'companies') }}
where {{ not_deleted() }}
