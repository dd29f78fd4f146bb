"""The download of an insight export's CSV file: ``GET /backoffice/v1/insight_exports/{id}/file``.

Not a route-table row (its answer is a file, not JSON): the same credentials and permission
(INSIGHTS_READ) as the Insights routes, the caller's network and mode only (404 naming the
export otherwise), errors in the spec's JSON body.
"""

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import FileResponse, Response

from app.auth.permissions import Permission
from app.auth.principal import require_permission
from app.errors import GatewayError
from app.insights.exports import export_file
from resolvers.context import Context
from rest_compat.door import error_response
from rest_compat.route import API_PREFIX

EXPORT_FILE_ROUTE = API_PREFIX + "/insight_exports/{id}/file"


def export_download(
    context_for: Callable[[Request], Awaitable[Context]],
) -> Callable[[Request], Awaitable[Response]]:
    """The endpoint answering an export's file for a caller who may read insights."""

    async def download(request: Request) -> Response:
        try:
            context = await context_for(request)
            principal = require_permission(context.principal, Permission.INSIGHTS_READ)
            async with context.read() as session:
                path, name = await export_file(
                    session,
                    principal,
                    request.path_params["id"],
                    context.settings.insight_exports_dir,
                )
        except GatewayError as error:
            return error_response(error)
        return FileResponse(path, media_type="text/csv", filename=name)

    return download
