"""Notify's API, declared once: HTTP, RPC and the OpenAPI document are generated from ROUTES."""
from pathways.api.routes import Route
from pathways.application.views import PageQuerySchema
from services.notify import answers, commands

TITLE = "Pathways notify"
SUBSCRIPTION = "/subscriptions/{subscription_id}"
SUBSCRIBERS = ("caseworker", "coordinator")

ROUTES = [
    Route("POST", "/subscriptions", "subscribe", "Subscribe to openings shared with your "
          "organisation: by e-mail, SMS or webhook, for the kinds, hours and municipalities "
          "you want, outside quiet hours", status=201, roles=SUBSCRIBERS,
          body=commands.SubscribeSchema, what="subscription",
          response=answers.SubscriptionSchema),
    Route("GET", "/subscriptions", "list_subscriptions", "Your subscriptions (a coordinator: "
          "the organisation's), a page", query=PageQuerySchema, listing="subscriptions",
          response=answers.SubscriptionSchema),
    Route("GET", SUBSCRIPTION, "get_subscription", "One subscription",
          response=answers.SubscriptionSchema),
    Route("POST", f"{SUBSCRIPTION}/cancel", "cancel_subscription", "Opt out: nothing more is "
          "sent, and the address is erased", roles=SUBSCRIBERS, body=commands.EmptySchema,
          what="cancellation", response=answers.SubscriptionSchema),
    Route("GET", "/notifications", "list_notifications", "The delivery log, newest first "
          "(`status=dead`: the dead-letter list); a caseworker sees their own",
          query=commands.NotificationsQuerySchema, listing="notifications",
          response=answers.NotificationSchema),
    Route("GET", "/notifications/figures", "notification_figures", "Your organisation's "
          "notifications in figures: sent, waiting and given up per channel; time from a share "
          "to its first notification", roles=("coordinator", "auditor", "admin"),
          query=commands.FiguresQuerySchema, response=answers.FiguresSchema),
    Route("POST", "/notifications/{notification_id}/retry", "retry_notification", "Send a "
          "dead letter again (operators: coordinators, admins)", roles=("coordinator", "admin"),
          body=commands.EmptySchema, what="retry", response=answers.NotificationSchema),
]
