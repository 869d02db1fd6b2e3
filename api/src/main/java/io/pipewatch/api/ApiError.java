package io.pipewatch.api;

/**
 * The one error shape of every route: what went wrong, the offending field (or null), and detail a
 * user can act on (or null).
 */
public record ApiError(String error, String field, String detail) {

  public static ApiError of(String error) {
    return new ApiError(error, null, null);
  }
}
