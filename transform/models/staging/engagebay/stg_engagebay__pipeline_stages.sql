-- EngageBay's pipeline stages, unnested from tracks.milestones (a JSON array) in their order;
-- each milestone says whether it is won or lost and its probability (0 to 1).
{%- if crm_source_present('engagebay', ['tracks']) %}
select
    tracks.id as pipeline_id,
    tracks.name as pipeline_name,
    cast(elements.position as integer) as stage_position,
    {{ json_text('elements.value', 'labelName') }} as stage_name,
    {{ json_text('elements.value', 'labelActualName') }} as stage_actual_name,
    coalesce(cast({{ json_text('elements.value', 'isWon') }} as boolean), false) as is_won,
    coalesce(cast({{ json_text('elements.value', 'isLost') }} as boolean), false) as is_lost,
    cast({{ json_text('elements.value', 'probability') }} as double precision) as stage_probability,
    {{ json_text('elements.value', 'color') }} as color
from {{ source('engagebay', 'tracks') }} as tracks
cross join {{ json_array_elements('tracks.milestones') }}
where tracks.{{ not_deleted() }}
{%- else %}
{{ crm_absent_source() }}
{%- endif %}
