output lockMetadata bool = false
