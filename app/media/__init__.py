"""Media: groups, Cloudinary-signed uploads, media items and the groups linked to organisations."""
