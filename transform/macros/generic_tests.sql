{#- Generic tests this project needs without a package (dbt deps needs the network). -#}

{% test unique_combination(model, columns) %}
select {{ columns | join(', ') }}, count(*) as n
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}

{% test value_between(model, column_name, min_value, max_value) %}
select *
from {{ model }}
where {{ column_name }} < {{ min_value }} or {{ column_name }} > {{ max_value }}
{% endtest %}

{% test overdue_within_open(model) %}
select *
from {{ model }}
where overdue_tasks > open_tasks or open_tasks + completed_tasks <> total_tasks
{% endtest %}

{#- Every row's source is a source registered in var crm_sources (or 'all' where allowed). -#}
{% test crm_source_registered(model, column_name, allow_all=false) %}
{%- set names = var('crm_sources', {}).keys() | list -%}
{%- if allow_all %}{% do names.append('all') %}{% endif %}
select *
from {{ model }}
where {{ column_name }} is null
   or {{ column_name }} not in ({% for name in names %}'{{ name }}'{% if not loop.last %}, {% endif %}{% endfor %})
{% endtest %}

{#- A key starts with its row's source: '<source>:...'. -#}
{% test crm_key_of_source(model, column_name) %}
select *
from {{ model }}
where {{ column_name }} not like {{ dbt.concat(['source', "':%'"]) }}
{% endtest %}
