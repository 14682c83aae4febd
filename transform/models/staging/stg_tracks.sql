-- Deal pipelines ("tracks"); their stages are in stg_milestones.
select
    id as track_id,
    name as track_name,
    coalesce("isDefault", false) as is_default,
    {{ utc('created_time') }} as created_at
from {{ source('engagebay', 'tracks') }}
where {{ not_deleted() }}
