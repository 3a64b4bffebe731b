"""Task 1 evaluation of the Fashion-MNIST DDPMs: a classifier trained here gives the
feature space; FID, an Inception-Score analogue and k-NN precision/recall are
computed in it; RePaint is scored against plain known-region replacement."""
