// Generated file. DO NOT MODIFY IT BY HAND.

export interface Payload {
  /**
   * The person's email address: the default looks in properties.email (track), traits.email (identify), then context.traits.email.
   */
  email?: string
  /**
   * The Drip tag that stands for the audience. By default the tag chosen when the audience was connected to Drip (the audience's Drip Tag setting, else the tag Drip gave it), else the audience's key (context.personas.computation_key). For a warehouse model, the tag picked when the mapping was saved wins.
   */
  tag?: string
  /**
   * What the event is about, as Engage says (context.personas.computation_class): a Journeys step that carries no true/false membership (classic Journeys' steps) is an entry, as classic Journeys never remove anyone.
   */
  computation_class?: string
  /**
   * Maximum number of events to include in each batch. Actual batch sizes may be lower. Max size must be between 1 and 1000 inclusive.
   */
  batch_size?: number
  /**
   * When enabled, Segment will send events in batches.
   */
  enable_batching?: boolean
}
// Generated file. DO NOT MODIFY IT BY HAND.

export interface RetlOnMappingSaveInputs {
  /**
   * The Drip tag that stands for this model: pick one of the account's tags or type a new one. Rows entering the model add it, and rows leaving it remove it.
   */
  tag: string
}
// Generated file. DO NOT MODIFY IT BY HAND.

export interface RetlOnMappingSaveOutputs {
  /**
   * The Drip tag that stands for the model.
   */
  tag: string
}
