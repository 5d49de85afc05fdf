"""Who may do what to an image: Glance's policy rules (defaults in
stratus.policies.image_service), checked by the handlers with the image as
the target. Images the caller may not see stay 404 before any rule."""
from stratus.image import exception as image_exception

Forbidden = image_exception.ImageForbidden


def target(image):
    """Glance's target for a rule on an image: its owner is project_id."""
    return {"project_id": image.owner, "owner": image.owner,
            "visibility": image.visibility}


def allowed(req, action, rule_target):
    return req.app.policy.check(req.context, action, rule_target)


def authorize(req, action, rule_target):
    if not allowed(req, action, rule_target):
        raise Forbidden(action=action)


def authorize_visibility(req, visibility, rule_target):
    """Making an image public or community has rules of its own."""
    if visibility == "public":
        authorize(req, "publicize_image", rule_target)
    elif visibility == "community":
        authorize(req, "communitize_image", rule_target)
