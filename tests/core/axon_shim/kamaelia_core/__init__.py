"""A stand-in kamaelia_core that maps the names the engine tests use onto Kamaelia Axon."""
