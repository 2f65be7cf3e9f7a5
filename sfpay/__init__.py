"""sfpay: the command line that ties the generator, validator, emulators and harness together."""
