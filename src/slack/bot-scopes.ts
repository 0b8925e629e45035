// The bot token scopes Threadbridge asks for at install, and why each is needed.
export const botScopes = [
  'chat:write', // post notifications and thread messages
  'chat:write.public', // post into public channels without being invited first
  'channels:join', // join a public channel chosen for notifications: Slack sends message events only where the app is a member
  'chat:write.customize', // each chat message under its author's name (visitors' and bots' marked as such) and agents' avatars
  'channels:history', // receive replies in public channels (message.channels events)
  'groups:history', // receive replies in private channels the app is in (message.groups)
  'im:history', // receive replies in DMs with the app (message.im)
  'im:write', // open DMs for one-member groups and account owners
  'channels:read', // list and look up public channels
  'groups:read', // list private channels the app is a member of
  'users:read', // map agents to Slack users by username
  'users:read.email', // suggest mappings by email
  'reactions:write', // mark reps' internal notes in the thread
  'commands', // shortcuts
] as const;
