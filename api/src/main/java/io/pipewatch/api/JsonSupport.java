package io.pipewatch.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.util.Collection;
import java.util.Map;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.marshalling.Marshaller;
import org.apache.pekko.http.javadsl.model.RequestEntity;

/**
 * The JSON mapper of the HTTP edge, a marshaller for route responses, and the strict reader of
 * request bodies ({@link #readStrict}), which refuses anything it would otherwise guess at: unknown
 * fields, duplicate keys, a string where a number belongs (and the reverse), NaN or Infinity,
 * trailing data, nesting deeper than {@value #MAX_DEPTH} and strings longer than {@value
 * #MAX_STRING}. Its refusals name the offending field as a path such as {@code samples[2].value}.
 */
final class JsonSupport {
  /** Deepest nesting of objects and arrays a request body may have. */
  static final int MAX_DEPTH = 32;

  /** Longest string value in a request body, in characters. */
  static final int MAX_STRING = 64 * 1024;

  /** Longest number in a request body, in characters. */
  static final int MAX_NUMBER = 64;

  static final ObjectMapper MAPPER =
      new ObjectMapper()
          .registerModule(new Jdk8Module())
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .setSerializationInclusion(JsonInclude.Include.NON_NULL);

  private static final ObjectMapper STRICT = strictMapper();

  private JsonSupport() {}

  static <T> Marshaller<T, RequestEntity> marshaller() {
    return Jackson.marshaller(MAPPER);
  }

  /** A decoded body, or why it could not be decoded. */
  sealed interface Read<T> {}

  /** The body as a {@code T}. */
  record Value<T>(T value) implements Read<T> {}

  /** The body was refused; {@code error} names the field. */
  record Refused<T>(ApiError error) implements Read<T> {}

  /**
   * Reads {@code body} as one JSON value of {@code type}, strictly. An empty body or a JSON {@code
   * null} is refused with field {@code body}.
   */
  static <T> Read<T> readStrict(byte[] body, Class<T> type) {
    JsonParser parser;
    try {
      parser = STRICT.createParser(body);
    } catch (IOException e) {
      return new Refused<>(new ApiError("malformed JSON", "body", e.getMessage()));
    }
    try (parser) {
      JsonToken first = parser.nextToken();
      if (first == null || first == JsonToken.VALUE_NULL) {
        return new Refused<>(new ApiError("empty body", "body", "expected " + expected(type)));
      }
      T value = STRICT.readValue(parser, type);
      return new Value<>(value);
    } catch (UnrecognizedPropertyException e) {
      String field = path(e);
      return new Refused<>(
          new ApiError(
              "unknown field '" + shorten(e.getPropertyName()) + "'",
              field,
              "known fields: " + known(e.getKnownPropertyIds())));
    } catch (MismatchedInputException e) {
      String field = path(e);
      if (e.getPath().isEmpty()) {
        return new Refused<>(
            new ApiError(
                "malformed JSON", "body", "expected one JSON object (" + firstLine(e) + ")"));
      }
      return new Refused<>(
          new ApiError(
              "wrong type",
              field,
              "expected " + expected(e.getTargetType()) + ", got " + found(parser.currentToken())));
    } catch (JsonMappingException e) {
      String field = path(e);
      if (e.getCause() instanceof StreamConstraintsException bounds) {
        return new Refused<>(new ApiError("body out of bounds", field, bound(bounds)));
      }
      if (e.getCause() instanceof JsonProcessingException malformed) {
        return new Refused<>(new ApiError("malformed JSON", field, firstLine(malformed)));
      }
      Throwable cause = e.getCause() == null ? e : e.getCause();
      return new Refused<>(new ApiError("invalid value", field, shorten(cause.getMessage())));
    } catch (StreamConstraintsException e) {
      return new Refused<>(
          new ApiError("body out of bounds", path(parser.getParsingContext()), bound(e)));
    } catch (JsonProcessingException e) {
      return new Refused<>(
          new ApiError("malformed JSON", path(parser.getParsingContext()), firstLine(e)));
    } catch (IOException e) {
      return new Refused<>(new ApiError("unreadable body", "body", e.getMessage()));
    }
  }

  private static ObjectMapper strictMapper() {
    ObjectMapper strict =
        MAPPER
            .copy()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    strict
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder()
                .maxNestingDepth(MAX_DEPTH)
                .maxStringLength(MAX_STRING)
                .maxNumberLength(MAX_NUMBER)
                .build());
    for (CoercionInputShape shape :
        new CoercionInputShape[] {
          CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean
        }) {
      strict.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
    }
    for (LogicalType numeric :
        new LogicalType[] {LogicalType.Integer, LogicalType.Float, LogicalType.Boolean}) {
      strict
          .coercionConfigFor(numeric)
          .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
    }
    strict
        .coercionConfigFor(LogicalType.Integer)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
    return strict;
  }

  /** A Jackson path as {@code a.b[2].c}; {@code body} when the whole body is concerned. */
  private static String path(JsonMappingException e) {
    StringBuilder out = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (out.length() > 0) {
          out.append('.');
        }
        out.append(shorten(ref.getFieldName()));
      } else if (ref.getIndex() >= 0) {
        out.append('[').append(ref.getIndex()).append(']');
      }
    }
    return out.length() == 0 ? "body" : out.toString();
  }

  /** The parser's position as {@code a.b[2].c}; {@code body} at the top level. */
  private static String path(JsonStreamContext context) {
    StringBuilder out = new StringBuilder();
    for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inArray()) {
        out.insert(0, "[" + Math.max(0, c.getCurrentIndex()) + "]");
      } else if (c.getCurrentName() != null) {
        out.insert(0, "." + shorten(c.getCurrentName()));
      }
    }
    if (out.length() == 0) {
      return "body";
    }
    return out.charAt(0) == '.' ? out.substring(1) : out.toString();
  }

  private static String expected(Class<?> type) {
    if (type == null) {
      return "another type";
    }
    if (type == Double.class
        || type == double.class
        || type == Float.class
        || type == float.class
        || type == java.math.BigDecimal.class) {
      return "a number";
    }
    if (type == Integer.class
        || type == int.class
        || type == Long.class
        || type == long.class
        || type == Short.class
        || type == short.class
        || type == java.math.BigInteger.class) {
      return "a whole number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == String.class || type.isEnum()) {
      return "a string";
    }
    if (type.isArray() || Collection.class.isAssignableFrom(type)) {
      return "an array";
    }
    if (Map.class.isAssignableFrom(type) || type.isRecord()) {
      return "an object";
    }
    return "a " + type.getSimpleName();
  }

  private static String bound(StreamConstraintsException e) {
    String message = String.valueOf(e.getOriginalMessage());
    if (message.contains("String value length")) {
      return "a string is at most " + MAX_STRING + " characters";
    }
    if (message.contains("Number value length")) {
      return "a number is at most " + MAX_NUMBER + " characters";
    }
    if (message.contains("nesting depth")) {
      return "objects and arrays nest at most " + MAX_DEPTH + " deep";
    }
    return firstLine(e);
  }

  private static String found(JsonToken token) {
    if (token == null) {
      return "the end of the body";
    }
    return switch (token) {
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT -> "a whole number";
      case VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "true or false";
      case VALUE_NULL -> "null";
      case START_ARRAY, END_ARRAY -> "an array";
      case START_OBJECT, END_OBJECT, FIELD_NAME -> "an object";
      default -> token.asString() == null ? token.name() : token.asString();
    };
  }

  private static String known(Collection<Object> ids) {
    return ids == null
        ? "none"
        : String.join(", ", ids.stream().map(String::valueOf).sorted().toList());
  }

  private static String firstLine(JsonProcessingException e) {
    String message = e.getOriginalMessage();
    if (message == null) {
      return e.getClass().getSimpleName();
    }
    int newline = message.indexOf('\n');
    String line = newline < 0 ? message : message.substring(0, newline);
    int advice = line.indexOf(": enable `");
    return shorten(advice < 0 ? line : line.substring(0, advice));
  }

  /** Text quoted in an error, cut so a huge value cannot make a huge answer. */
  static String shorten(String text) {
    if (text == null) {
      return null;
    }
    return text.length() <= 200 ? text : text.substring(0, 197) + "...";
  }
}
