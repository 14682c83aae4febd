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
