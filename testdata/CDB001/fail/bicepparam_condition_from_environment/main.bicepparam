using 'main.bicep'

// Read when deploying: the default below is not the user's choice.
param deployCosmos = bool(readEnvironmentVariable('DEPLOY_COSMOS', 'false'))
