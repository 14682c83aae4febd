-- The stages of each pipeline, unnested from tracks.milestones (a JSON array), in their order.
select
    tracks.id as track_id,
    cast(elements.position as integer) as stage_position,
    {{ json_text('elements.value', 'labelName') }} as stage_name,
    {{ json_text('elements.value', 'labelActualName') }} as stage_actual_name,
    cast({{ json_text('elements.value', 'isWon') }} as boolean) as is_won,
    cast({{ json_text('elements.value', 'isLost') }} as boolean) as is_lost,
    cast({{ json_text('elements.value', 'probability') }} as double precision) as probability,
    {{ json_text('elements.value', 'color') }} as color
from {{ source('engagebay', 'tracks') }} as tracks
cross join {{ json_array_elements('tracks.milestones') }}
where tracks.{{ not_deleted() }}
