"""Media routes (spec: Media, routes 50-53) and the organisations' media groups (route 89)."""

from rest_compat.route import RestRoute, identifier

SECTION = "Media"
ORGANISATIONS_SECTION = "Organisations"

UPLOAD_ALIASES = {
    "mediaGroupExternalId": "media_group_external_id",
    "mediaUsageType": "media_usage_type",
    "usage_type": "media_usage_type",
    "usageType": "media_usage_type",
    "trackingKey": "tracking_key",
}
"""The other spellings of the upload fields the spec shows (camelCase on /upload/sign,
``usage_type`` in its field lists)."""

UPLOAD_FIELDS = """
    api_key cloud_name context signature timestamp
    upload_options {
        folder media_group_external_id media_usage_type
        options { type }
        needed_signature_options { folder type public_id }
        tracking_key media_id
    }
"""
# POST /upload/sign answers in camelCase, as the spec's example there does.
UPLOAD_FIELDS_CAMEL = """
    apiKey: api_key cloudName: cloud_name context signature timestamp
    uploadOptions: upload_options {
        folder mediaGroupExternalId: media_group_external_id
        mediaUsageType: media_usage_type
        options { type }
        optionsNeededInSignature: needed_signature_options {
            folder type publicId: public_id
        }
        trackingKey: tracking_key mediaId: media_id
    }
"""

UPLOAD_NOTES = (
    "The upload is signed as Cloudinary verifies signed uploads: the parameters context, "
    "folder, public_id, timestamp and type, sorted by name, joined name=value with '&', the API "
    "secret appended, SHA-1 hex (SHA-256 when CRM_GATEWAY_CLOUDINARY_SIGNATURE_ALGORITHM says "
    "so). Send the file with api_key, timestamp, signature, context and the needed signature "
    "options as they are to https://api.cloudinary.com/v1_1/<cloud_name>/auto/upload within "
    "the hour.",
    "The media goes to the Cloudinary folder of the caller's organisation (its id), below it "
    "the folder asked for (spec: 'within CRM the folder is set as the media related "
    "organisation-id'); its public id is the id of the media item recorded now (`media_id`, "
    "also in the context), so the signature admits that one upload and DELETE /media/{id} "
    "removes its record. `needed_signature_options` therefore also holds `public_id`.",
    "media_group_external_id names a media group of the caller's network by its external id "
    "(or its id): 404 naming the media_group otherwise. media_usage_type: LOGO (partner logos "
    "configurable by the service owner, for businesses, merchants and venues), MARKETING, "
    "ATTACHMENT, AVATAR (applications). tracking_key defaults to a random UUID.",
    "Both spellings of the spec are accepted: media_group_external_id / mediaGroupExternalId, "
    "media_usage_type / mediaUsageType / usage_type, tracking_key / trackingKey (one per "
    "field; two spellings of one field are a 400 naming the second).",
    "Without CRM_GATEWAY_CLOUDINARY_CLOUD_NAME, CRM_GATEWAY_CLOUDINARY_API_KEY and "
    "CRM_GATEWAY_CLOUDINARY_API_SECRET the answer is a 503 "
    "CRM.EXCEPTIONS.SERVICEUNAVAILABLEEXCEPTION whose parameters name the missing settings; "
    "nothing is recorded. The secret never appears in an answer.",
)

ROUTES = [
    RestRoute(
        method="POST",
        path="/media_group",
        section=SECTION,
        summary="Create a new group for upcoming uploaded media",
        document="""mutation ($body: CreateMediaGroupInput!) {
            create_media_group(input: $body) { id external_id }
        }""",
        body="body",
        body_aliases={"externalId": "external_id"},
        example_body={
            "name": "Marketing",
            "description": "Marketing Media Group for Creatives",
            "externalId": "747e5a96-24a2-7aca-7b28-da5e996ad54c",
        },
        notes=(
            "The spec shows the answer without a body; the gateway answers the group's id and "
            "external_id (uploads name the group by its external id).",
            "externalId (the example's spelling) or external_id; unique in the organisation and "
            "mode (409 naming external_id), a random UUID when left out.",
        ),
    ),
    RestRoute(
        method="POST",
        path="/upload/media",
        section=SECTION,
        summary="Create an upload media",
        document=f"""mutation ($body: CreateUploadSignatureInput!) {{
            create_media_upload_signature(input: $body) {{ {UPLOAD_FIELDS} }}
        }}""",
        body="body",
        body_aliases=UPLOAD_ALIASES,
        example_body={
            "media_group_external_id": "e66896ba-db0a-41e2-8093-9aca2ae02f29",
            "media_usage_type": "LOGO",
            "folder": "offers/hero",
            "tracking_key": "26c32dfe-f8ea-9cf3-a5af-5096be4a164b",
        },
        notes=UPLOAD_NOTES,
    ),
    RestRoute(
        method="POST",
        path="/upload/sign",
        section=SECTION,
        summary="Create an upload signature",
        document=f"""mutation ($body: CreateUploadSignatureInput!) {{
            create_media_upload_signature(input: $body) {{ {UPLOAD_FIELDS_CAMEL} }}
        }}""",
        body="body",
        body_aliases=UPLOAD_ALIASES,
        example_body={
            "mediaGroupExternalId": "e66896ba-db0a-41e2-8093-9aca2ae02f29",
            "mediaUsageType": "AVATAR",
            "folder": "a01ad9a4-5c9f-e676-fbcb-b0d03c51f022",
            "trackingKey": "a01ad9a4-5c9f-e676-fbcb-b0d03c51f044",
        },
        notes=(
            "The same signed upload as POST /upload/media, answered in camelCase as the spec's "
            "example here (apiKey, cloudName, uploadOptions, optionsNeededInSignature, ...).",
            *UPLOAD_NOTES,
        ),
    ),
    RestRoute(
        method="DELETE",
        path="/media/{id}",
        section=SECTION,
        summary="Delete an existing media",
        document="""mutation ($id: ID!) { delete_media(id: $id) { id } }""",
        shape=identifier,
        notes=(
            "Removes the record of a media item of the caller's network and mode (404 naming "
            "the media otherwise); the gateway makes no call to Cloudinary, so the uploaded "
            "asset stays there.",
        ),
    ),
    RestRoute(
        method="PUT",
        path="/organisations/{id}/media_groups",
        section=ORGANISATIONS_SECTION,
        summary="Link an organisation with one or many media groups",
        document="""mutation ($id: ID!, $body: LinkMediaGroupsInput!) {
            link_media_groups(id: $id, input: $body) { id }
        }""",
        body="body",
        shape=identifier,
        example_body={"media_groups": [{"id": "747e5a96-24a2-7aca-7b28-da5e996ad54c"}]},
        notes=(
            "The spec lost this route's method and body (the document is cut off after 'Request "
            "body / The media group identifier'). PUT: the body names the organisation's media "
            "groups as a whole and replaces them, so sending it again changes nothing (the "
            "spec's rule for PUT: update, idempotent); another method is a 405 naming PUT.",
            "Body: media_groups, a list of {id} (a media group's id or external id, of the "
            "caller's network and mode; 404 naming the first unknown one). An empty list "
            "unlinks every group of the caller's mode; links made in the other mode stay.",
            "The organisation must be in the caller's network (404 naming it); GraphQL's "
            "Organisation.media_groups lists the linked groups with their media.",
        ),
    ),
]
