-- The blob sweep asks, per queued hash, whether a live row still refers to it.
CREATE INDEX images_hash ON images(content_hash);
CREATE INDEX masks_hash ON masks(content_hash);
CREATE INDEX samples_hash ON samples(content_hash);
