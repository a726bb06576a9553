"""Reading what the timeline page sends: the Gantt figure in its json_script."""

import json


def figure(response, element_id: str = "gantt-data") -> dict:
    content = response.content.decode()
    start = content.index(">", content.index(f'id="{element_id}"')) + 1
    return json.loads(content[start : content.index("</script>", start)])


def figure_keys(response) -> list[str]:
    """The milestone keys of the chart's rows, top to bottom."""
    return figure(response)["layout"]["meta"]["keys"]
