-- Every stage of every deal pipeline of every source present, in stage order
-- (stage_key = '<source>:<pipeline id>:<position>').
with stages as (
{{ crm_union('pipeline_stages') }}
)

select * from stages
