-- Agile CRM's pipeline stages: a track's milestones are one comma-separated string, in order;
-- won_milestone and lost_milestone name the won and the lost stage. Stages carry no probability.
{%- if crm_source_present('agilecrm', ['tracks']) %}
with tracks as (
    select
        id,
        name,
        milestones,
        won_milestone,
        lost_milestone,
        length(milestones) - length(replace(milestones, ',', '')) + 1 as stage_count
    from {{ source('agilecrm', 'tracks') }}
    where {{ not_deleted() }} and milestones is not null and trim(milestones) <> ''
),

positions as (
    {%- for n in range(1, 51) %}
    {% if not loop.first %}union all {% endif %}select {{ n }} as stage_position
    {%- endfor %}
),

stages as (
    select
        tracks.id as pipeline_id,
        tracks.name as pipeline_name,
        positions.stage_position,
        trim(split_part(tracks.milestones, ',', positions.stage_position)) as stage_name,
        tracks.won_milestone,
        tracks.lost_milestone
    from tracks
    inner join positions on positions.stage_position <= tracks.stage_count
)

select
    pipeline_id,
    pipeline_name,
    cast(stage_position as integer) as stage_position,
    stage_name,
    coalesce(stage_name = trim(won_milestone), false) as is_won,
    coalesce(stage_name = trim(lost_milestone), false) as is_lost,
    cast(null as double precision) as stage_probability
from stages
{%- else %}
{{ crm_absent_source() }}
{%- endif %}
