"""`salon serve` (the web app) and `salon mcp` (the Model Context Protocol server)."""

from __future__ import annotations

from typing import Annotated

import typer

from salon.cli.app import _state, app, console, errors


@app.command()
def serve(
    port: Annotated[
        int, typer.Option("--port", "-p", min=1, max=65535, help="The port on 127.0.0.1.")
    ] = 8765,
    include_private: Annotated[
        bool,
        typer.Option(
            "--include-private", help="Show private intelligence (account notes) in the pages."
        ),
    ] = False,
) -> None:
    """Open Salon in your browser: a web app on 127.0.0.1 only, locked with a random token
    printed once (open the URL with ?token=…). Every page has its JSON twin under /api/v1/.

    Example: salon serve --port 8765
    """
    import salon
    from salon.web.security import new_token

    try:
        import uvicorn

        from salon.web.app import create_app
    except ImportError as exc:  # pragma: no cover - the web extra is a dependency
        raise salon.SalonError(f"The web app needs its packages: {exc}.") from exc
    token = new_token()
    web = create_app(
        salon.open_store(_state["db"]), token=token, port=port, include_private=include_private
    )
    url = f"http://127.0.0.1:{port}/?token={token}"
    console.print("Salon is serving on this machine only. Open this URL (once; it sets a cookie):")
    console.print(url, soft_wrap=True, highlight=False, markup=False)
    console.print("Scripts send 'Authorization: Bearer TOKEN'. Ctrl-C stops it.")
    try:
        uvicorn.run(web, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    except OSError as exc:
        errors.print(f"[red]Error:[/] could not listen on 127.0.0.1:{port}: {exc.strerror}.")
        raise typer.Exit(1) from None


@app.command()
def mcp(
    include_private: Annotated[
        bool,
        typer.Option(
            "--include-private",
            help="Let the assistant read private intelligence (account notes); off by default.",
        ),
    ] = False,
) -> None:
    """Answer your AI assistant's questions over the Model Context Protocol (stdio): who
    matters to a segment, where the conversation is, whom to meet in a city, a person's
    timeline, the plan. Read-only; nothing leaves this machine except to the assistant that
    started it.

    Example: salon --db ~/salon.db mcp
    """
    from salon.mcp_server import serve_stdio

    serve_stdio(_state["db"], include_private=include_private)
