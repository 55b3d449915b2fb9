"""Salon in the browser: ``salon serve``'s FastAPI app (:func:`salon.web.app.create_app`),
its pages and their JSON twins under ``/api/v1``."""
