-- Deals, one row per live deal; the stage is named by milestoneLabelName within the track.
select
    id as deal_id,
    name as deal_name,
    track_id,
    "milestoneLabelName" as stage_name,
    owner_id,
    cast(amount as {{ dbt.type_numeric() }}) as amount,
    currency_type,
    probability as deal_probability,
    {{ utc('closed_date') }} as close_date,
    {{ utc('created_time') }} as created_at,
    {{ utc('updated_time') }} as updated_at
    {{- select_columns(columns_starting_with(source('engagebay', 'deals'), ['cf_'])) }}
from {{ source('engagebay', 'deals') }}
where {{ not_deleted() }}
