"""Scenario: the current settings as a file to download, and a file to upload.

A download is a TOML file that ``extends`` the picked scenario and holds only the changed keys,
so ``aiecosim run`` on it (saved next to that scenario) reproduces what the dashboard shows.
An upload is validated; its errors appear next to the upload area.
"""

from __future__ import annotations

from pathlib import Path

import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html, no_update
from dash.exceptions import PreventUpdate

from aiecosim.dashboard.sources import load_scenario
from aiecosim.dashboard.state import encode_value
from aiecosim.dashboard.uploads import UploadError, read_upload
from aiecosim.model.errors import ScenarioError
from aiecosim.model.overrides import child_file_text
from aiecosim.model.scenario_io import MAX_FILE_BYTES


def layout() -> html.Div:
    return html.Div([
        dbc.Row([
            dbc.Col(dbc.Card([
                dbc.CardHeader("Current settings"),
                dbc.CardBody([
                    html.Div(id="scenario-summary"),
                    dbc.Button("Download scenario (TOML)", id="download-button", color="primary",
                               size="sm", className="mt-2"),
                    dcc.Download(id="download"),
                    html.P("It names the shipped scenario it extends, so `aiecosim run "
                           "<file>` reproduces these numbers from any folder.",
                           className="small text-muted mt-2 mb-0"),
                ]),
            ]), md=6),
            dbc.Col(dbc.Card([
                dbc.CardHeader("Load a scenario file"),
                dbc.CardBody([
                    dcc.Upload(id="upload", multiple=False, accept=".toml,text/plain",
                               children=html.Div(["Drop a .toml file here or ",
                                                  html.A("choose one", href="#")]),
                               style={"borderWidth": "1px", "borderStyle": "dashed",
                                      "borderRadius": "6px", "textAlign": "center",
                                      "padding": "24px"}),
                    dcc.Store(id="upload-file"),
                    html.Div(id="upload-message", className="mt-2"),
                    html.P("At most 1 MB. `extends` may name a file of scenarios/ only.",
                           className="small text-muted mb-0"),
                ]),
            ]), md=6),
        ], className="g-3"),
    ], className="pt-3")


def _summary(current: dict, overrides: dict, href: str | None) -> list:
    rows = [html.Tr([html.Td(html.Code(k)), html.Td(html.Code(encode_value(v)))])
            for k, v in sorted(overrides.items())]
    changes = (dbc.Table([html.Thead(html.Tr([html.Th("key"), html.Th("value")])),
                          html.Tbody(rows)], size="sm", className="small", id="changes-table")
               if rows else html.P("No changes: the picked file as it is.", className="small"))
    return [
        html.P([html.B("Scenario "), html.Code(current.get("label", current.get("file", "")),
                                                 id="scenario-label"), " · digest ",
                html.Code(current.get("digest", ""), id="scenario-digest")], className="small"),
        changes,
        html.P(["Link to this view: ", html.A(href, href=href, id="share-link")],
               className="small text-break") if href else None,
    ]


def share_link(href: str | None, search: str | None) -> str | None:
    """The page's address (without its old query) with the current ``search``."""
    if not href:
        return None
    base = href.split("#", 1)[0].split("?", 1)[0]
    return base + (search or "")


def register(app, scenarios_dir: Path) -> None:
    # The link is built from the query the sync callback writes: the location's href is only
    # what the page was loaded with, so it went stale after a lever change or an upload.
    @app.callback(Output("scenario-summary", "children"), Input("current-scenario", "data"),
                  Input("settings", "data"), Input("url", "search"), State("url", "href"))
    def summary(current, settings, search, href):
        if not current or not settings:
            raise PreventUpdate
        if current.get("error"):
            return dbc.Alert(current["error"], color="danger")
        return _summary(current, settings.get("overrides", {}), share_link(href, search))

    @app.callback(Output("download", "data"), Input("download-button", "n_clicks"),
                  State("settings", "data"), prevent_initial_call=True)
    def download(n_clicks, settings):
        if not n_clicks or not settings:
            raise PreventUpdate
        base = settings["view"]["scenario"]
        overrides = settings.get("overrides", {})
        try:
            scenario = load_scenario(base, scenarios_dir).with_overrides(overrides)
        except ScenarioError:
            raise PreventUpdate from None  # the summary already shows the error
        note = (f"Exported from the aiecosim dashboard: {len(overrides)} change(s) to {base}.\n"
                f"Resolved scenario digest: {scenario.digest()}.")
        text = child_file_text(base, overrides, full=scenario.to_dict(), note=note)
        return dict(content=text, filename=f"{base.removesuffix('.toml')}-custom.toml")

    # The browser measures the file first: one too large is reported without being sent, so
    # the message appears whatever its size (the server also refuses large requests outright).
    app.clientside_callback(
        f"""function(contents, filename) {{
            if (!contents) {{ return window.dash_clientside.no_update; }}
            const data = contents.slice(contents.indexOf(",") + 1);
            const padding = data.endsWith("==") ? 2 : (data.endsWith("=") ? 1 : 0);
            const bytes = Math.floor(data.length * 3 / 4) - padding;
            if (bytes > {MAX_FILE_BYTES}) {{ return {{filename: filename, bytes: bytes}}; }}
            return {{filename: filename, contents: contents}};
        }}""",
        Output("upload-file", "data"), Input("upload", "contents"), State("upload", "filename"),
        prevent_initial_call=True,
    )

    @app.callback(Output("upload-message", "children"), Output("upload-accepted", "data"),
                  Input("upload-file", "data"), prevent_initial_call=True)
    def upload(sent):
        if not sent:
            raise PreventUpdate
        try:
            if "contents" not in sent:
                raise UploadError(f"{sent.get('filename')}: file is {int(sent.get('bytes', 0)):,} "
                                  f"bytes; a scenario file is at most {MAX_FILE_BYTES:,}")
            found = read_upload(sent["contents"], sent.get("filename"), scenarios_dir)
        except UploadError as exc:
            return dbc.Alert(str(exc), color="danger", id="upload-error", className="py-2"), no_update
        message = dbc.Alert(f"Loaded {found.filename}: {found.base} with {len(found.overrides)} "
                            "change(s). The sidebar and Explore now show it.",
                            color="success", id="upload-ok", className="py-2")
        return message, {"scenario": found.base, "overrides": found.overrides}
